import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { ApplyEventsView } from '../cli/apply-events-view.js'
import { BaseCommand } from '../cli/base-command.js'
import { confirm } from '../cli/confirm.js'
import { bucketRequestFrom } from '../cli/connection.js'
import { allowOutsideFlag, formatFlag, isManifestPath, manifestFile, manifestFlag, shardFlag, varFlag } from '../cli/flags.js'
import { abortOnSignals } from '../cli/interrupt.js'
import { progressLine } from '../cli/progress-line.js'
import { s3Flags } from '../cli/s3-flags.js'
import { ExitCode, PutplanError } from '../errors/index.js'
import type { Plan } from '../plan/index.js'
import { colorsFor } from '../render/colors.js'
import { renderInvalidationLine } from '../render/invalidation-line.js'
import { renderPlanHuman } from '../render/plan-human.js'
import { renderReportHuman } from '../render/report-human.js'
import { renderReportJson } from '../render/report-json.js'
import { runApply } from '../workflow/run-apply.js'

export default class Apply extends BaseCommand {
  static override summary = 'Make the bucket match the manifest: plan, confirm, upload exactly what differs.'

  static override description = `Without a plan file: plans, shows the plan and asks for "yes" (on a terminal), unless --auto-approve.
With a plan file (from plan --out): applies exactly that plan, once. It finds its manifest by the path it records (relative to the git repository; run apply anywhere in a clone, no -f needed) and reads it with the variable values it records, not the environment's: a GIT_SHA that moved on since the plan changes nothing. Secrets (sseCustomerKey) are read again from --var or the environment and must be the ones planned with.
A saved plan is refused, nothing written, naming the cause: the manifest's text, a variable, a planned file or a planned object changed since the plan, or the plan was already applied.
Creates carry If-None-Match: *, updates If-Match: <planned ETag>, repairs by copy x-amz-copy-source-if-match: <planned ETag>: what changes in the bucket during the apply is reported as a conflict, never overwritten.
Repairs (same bytes, other options) send no bytes: CopyObject of the object onto itself, or PutObjectTagging / PutObjectAcl / PutObjectRetention / PutObjectLegalHold alone.
Apply goes in phases: every upload but pages, then pages (HTML, and keys a rule marks phase: last), then, with prune, deletes, each with If-Match: <planned ETag>; a phase starts only once the one before succeeded.
With the manifest's cdn, an apply that changed objects ends with one CloudFront CreateInvalidation of their paths.
Exit code: 0 when everything was applied; 1 when anything failed or conflicted, the plan was refused, or the CDN invalidation failed (the objects were written).`

  static override examples = [
    { description: 'Plan and apply, asking first', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'In CI, after review', command: '<%= config.bin %> <%= command.id %> --auto-approve' },
    { description: 'Apply exactly a saved, reviewed plan (from the repository, in another CI job)', command: '<%= config.bin %> <%= command.id %> plans/plan.json' },
    { description: 'A saved plan whose sources include a folder outside the work tree: allow it again (a plan file never widens what apply reads)', command: '<%= config.bin %> <%= command.id %> plans/plan.json --allow-outside ../shared-assets' },
    { description: 'A machine-readable report', command: '<%= config.bin %> <%= command.id %> --auto-approve --format json > report.json' },
    { description: 'Shard 2 of 4, on one of four runners applying at once (deletes wait for an unsharded apply)', command: '<%= config.bin %> <%= command.id %> --shard 2/4 --auto-approve' },
    { description: 'After the shards: the unsharded apply, which runs prune\'s deletes and finds the rest done', command: '<%= config.bin %> <%= command.id %> --auto-approve' },
    { description: 'To Google Cloud Storage behind a proxy whose host does not name it', command: '<%= config.bin %> <%= command.id %> --auto-approve --endpoint https://gcs-proxy.example --compatibility gcs' },
    { description: 'Deploy a site and wait until CloudFront serves the new pages', command: '<%= config.bin %> <%= command.id %> --auto-approve --wait-invalidation' },
  ]

  static override args = {
    plan: Args.string({ description: 'A saved plan (from `putplan plan --out FILE`) to apply exactly, once; it names its own manifest. A .yaml or .yml file is the manifest instead, as with -f.' }),
  }

  static override flags = {
    file: manifestFlag,
    var: varFlag,
    'allow-outside': allowOutsideFlag,
    format: formatFlag(['human', 'json'] as const),
    'auto-approve': Flags.boolean({ summary: 'Apply without asking (required when stdin is not a terminal).' }),
    'conditional-writes': Flags.boolean({
      summary: 'Send If-None-Match/If-Match so nothing changed since the plan is overwritten; --no-conditional-writes for stores that lack them.',
      allowNo: true,
      default: true,
    }),
    shard: shardFlag,
    verbose: Flags.boolean({ char: 'v', summary: 'Show retries.' }),
    'wait-invalidation': Flags.boolean({ summary: 'With the manifest\'s cdn: wait until CloudFront has completed the invalidation (usually a minute or two).' }),
    ...s3Flags,
  }

  protected async execute(): Promise<ExitCode> {
    const { args, flags, metadata } = await this.parse(Apply)
    this.format = flags.format
    const manifest = args.plan !== undefined && isManifestPath(args.plan)
    const planFile = manifest ? undefined : args.plan
    const file = manifestFile(manifest ? args.plan : undefined, flags.file, metadata)
    // A saved plan names its own manifest: -f, when given, may only name that one.
    const given = metadata.flags.file?.setFromDefault ? undefined : file
    const fresh = planFile === undefined
    if (fresh && !flags['auto-approve'] && !process.stdin.isTTY) {
      throw new PutplanError('not-approved', 'refusing to apply without --auto-approve: stdin is not a terminal to ask on (nothing was written)')
    }
    const interrupt = abortOnSignals(() => this.note('Interrupted: stopping, aborting multipart uploads in flight... (again to quit at once)'))
    const planning = progressLine(process.stderr, 'Planning')
    const uploads = new ApplyEventsView(this.format === 'human', (line) => this.note(line))
    try {
      const { plan, report, stateError, invalidation } = await runApply({
        ...bucketRequestFrom({ ...flags, file }, (line) => this.note(line)),
        ...(planFile === undefined ? { file } : { planFile, file: given }),
        conditionalWrites: flags['conditional-writes'],
        signal: interrupt.signal,
        approve: (p) => (planning.end(), flags['auto-approve'] ? Promise.resolve(true) : this.ask(p)),
        onObject: (done, total) => planning.update(done, total),
        onExecute: (p) => uploads.start(p),
        onEvent: (event) => uploads.record(event),
        waitInvalidation: flags['wait-invalidation'],
      })
      // A plan with nothing to do asks no approval: its progress line ends here, before the report.
      planning.end()
      uploads.end()
      if (stateError !== undefined) this.note(`Warning: ${stateError}. The objects were applied; the next plan asks HeadObject for them.`)
      if (flags.format === 'json') this.out(renderReportJson(plan.bucket, report, invalidation))
      else this.note(renderReportHuman(report, colorsFor(process.stderr, process.env)))
      if (invalidation !== undefined && (flags.format !== 'json' || invalidation.error !== undefined)) this.note(renderInvalidationLine(invalidation, colorsFor(process.stderr, process.env)).trimEnd())
      const clean = report.summary.failed === 0 && report.summary.conflict === 0 && !report.interrupted && invalidation?.error === undefined
      return clean ? ExitCode.Ok : ExitCode.Error
    } finally {
      planning.end()
      uploads.end()
      interrupt.dispose()
    }
  }

  private async ask(plan: Plan): Promise<boolean> {
    this.note(renderPlanHuman(plan, { colors: colorsFor(process.stderr, process.env) }))
    return confirm('Do you want to perform these actions?')
  }
}
