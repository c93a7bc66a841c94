import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../cli/base-command.js'
import { bucketRequestFrom } from '../cli/connection.js'
import { allowOutsideFlag, formatFlag, manifestArg, manifestFile, manifestFlag, shardFlag, varFlag } from '../cli/flags.js'
import { progressLine } from '../cli/progress-line.js'
import { s3Flags } from '../cli/s3-flags.js'
import { ExitCode } from '../errors/index.js'
import { hasChanges } from '../plan/index.js'
import { colorsFor } from '../render/colors.js'
import { renderBatchNotes } from '../render/batch-notes.js'
import { renderPlanHuman } from '../render/plan-human.js'
import { renderPlanJson } from '../render/plan-json.js'
import { renderPlanMarkdown } from '../render/plan-markdown.js'
import { runPlan } from '../workflow/run-plan.js'

export default class Plan extends BaseCommand {
  static override summary = 'Compare the manifest with the bucket and show what apply would change. Changes nothing.'

  static override description = `Each object is create (+), update (~, new bytes), undecided (?, its content cannot be verified, so it is uploaded again), repair (*, same bytes: its options are fixed in place, by CopyObject onto itself or PutObjectTagging/PutObjectAcl, no bytes sent), delete (-, with prune: putplan wrote it and the manifest no longer declares it), unchanged (=) or conflict (!); every change lists its reasons. Many objects of one action in one folder are one line (--verbose lists each). With prune, objects putplan did not write are listed as unowned, never deleted.
Content is compared by checksum or ETag, never guessed; every PutObject option is compared with what the bucket returns.
A saved plan (--out) stands alone: it records the manifest's path (relative to its git repository) and the values of the variables it used (--var or the environment), so \`putplan apply FILE\` in another job applies exactly the values reviewed, even where GIT_SHA has moved on. Secrets are never saved, only a salted scrypt digest of each, which apply checks.
Exit code: 0 (with --detailed-exitcode: 0 no changes, 2 changes); 1 on error, conflict, or more deletes than prune.maxDeletes.`

  static override examples = [
    { description: 'Plan ./uploads.yaml', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Post a plan on a pull request and keep it for apply', command: '<%= config.bin %> <%= command.id %> --format markdown --out plan.json > plan.md' },
    { description: 'Save the plan with a commit id for a later job to apply as reviewed', command: '<%= config.bin %> <%= command.id %> --var GIT_SHA=$(git rev-parse HEAD) --out plans/plan.json' },
    { description: 'Allow sources from a folder outside the git work tree (shown in the plan)', command: '<%= config.bin %> <%= command.id %> --allow-outside ../shared-assets' },
    { description: 'Nightly drift check: exit 2 when the bucket drifted', command: '<%= config.bin %> <%= command.id %> --detailed-exitcode' },
    { description: 'Against a local S3-compatible store', command: '<%= config.bin %> <%= command.id %> --endpoint http://127.0.0.1:9000' },
    { description: 'Shard 2 of 4 on a CI matrix runner: only the keys whose hash falls in shard 2', command: '<%= config.bin %> <%= command.id %> --shard 2/4 --out plan-2.json' },
    { description: 'Export a site-wide metadata change as S3 Batch Operations jobs instead of applying it from here', command: '<%= config.bin %> <%= command.id %> --emit-batch-operations batch-jobs' },
    { description: 'Against MinIO, which no endpoint host names: say which store it is', command: '<%= config.bin %> <%= command.id %> --endpoint http://127.0.0.1:9000 --compatibility minio' },
  ]

  static override args = { manifest: manifestArg }

  static override flags = {
    file: manifestFlag,
    var: varFlag,
    'allow-outside': allowOutsideFlag,
    format: formatFlag(['human', 'json', 'markdown'] as const),
    out: Flags.string({
      summary: 'Save the plan to FILE, for `putplan apply FILE` (once, in any clone, no -f) or `putplan show FILE`. It records the manifest\'s path and the variable values used; never a secret.',
      helpValue: 'FILE',
    }),
    'emit-batch-operations': Flags.string({
      summary:
        'Also write the repairs S3 Batch Operations can do (copy in place with new metadata, storage class or SSE; tags alone) to DIR, a new or empty folder: a CSV manifest and a CreateJob request per job, and a README with the aws s3control create-job steps. An alternative to apply for those repairs, not race-safe (no ETag condition); the rest stays with apply.',
      helpValue: 'DIR',
    }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when the plan has changes, 0 when none (Terraform\'s convention).' }),
    shard: shardFlag,
    verbose: Flags.boolean({ char: 'v', summary: 'List unchanged objects too, say which rule or defaults each option came from, and show retries.' }),
    ...s3Flags,
  }

  protected async execute(): Promise<ExitCode> {
    const { args, flags, metadata } = await this.parse(Plan)
    this.format = flags.format
    const file = manifestFile(args.manifest, flags.file, metadata)
    const progress = progressLine(process.stderr, 'Planning')
    const { manifest, plan, batch } = await runPlan({
      ...bucketRequestFrom({ ...flags, file }, (line) => this.note(line)),
      out: flags.out,
      batchDir: flags['emit-batch-operations'],
      onObject: (done, total) => progress.update(done, total),
    }).finally(() => progress.end())
    this.noteWarnings(manifest.warnings)
    if (flags.format === 'json') this.out(renderPlanJson(plan))
    else if (flags.format === 'markdown') this.out(renderPlanMarkdown(plan))
    else this.out(renderPlanHuman(plan, { colors: colorsFor(process.stdout, process.env), verbose: flags.verbose }))
    if (batch) this.note(renderBatchNotes(flags['emit-batch-operations']!, batch))
    if (flags.out !== undefined && flags.format !== 'json') this.note(`Saved the plan to ${flags.out}; apply exactly it with: putplan apply ${flags.out}`)
    if (plan.summary.conflict > 0) return ExitCode.Error
    return flags['detailed-exitcode'] && hasChanges(plan) ? ExitCode.Changes : ExitCode.Ok
  }
}
