import { BaseCommand } from '../cli/base-command.js'
import { allowOutsideFlag, formatFlag, manifestArg, manifestFile, manifestFlag, parseVars, varFlag } from '../cli/flags.js'
import { ExitCode } from '../errors/index.js'
import { loadManifest } from '../manifest/index.js'
import { colorsFor } from '../render/colors.js'
import { renderValidationHuman, renderValidationJson } from '../render/validation.js'

export default class Validate extends BaseCommand {
  static override summary = 'Check the manifest: schema, variables, files and keys. No network.'

  static override description = `Reports every problem of the manifest at once, each with file:line:column, what is wrong and what was expected.
Exit code: 0 when valid, 1 when not.`

  static override examples = [
    { description: 'Validate ./uploads.yaml', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Validate another manifest, with a variable', command: '<%= config.bin %> <%= command.id %> -f site/uploads.yaml --var GIT_SHA=$(git rev-parse HEAD)' },
    { description: 'A monorepo: allow sources from a folder outside the work tree', command: '<%= config.bin %> <%= command.id %> --allow-outside ../shared-assets' },
    { description: 'List the objects it wants, as JSON', command: "<%= config.bin %> <%= command.id %> --format json | jq '.objects[].key'" },
  ]

  static override args = { manifest: manifestArg }

  static override flags = {
    file: manifestFlag,
    var: varFlag,
    'allow-outside': allowOutsideFlag,
    format: formatFlag(['human', 'json'] as const),
  }

  protected async execute(): Promise<ExitCode> {
    const { args, flags, metadata } = await this.parse(Validate)
    this.format = flags.format
    const file = manifestFile(args.manifest, flags.file, metadata)
    const manifest = await loadManifest({ file, vars: parseVars(flags.var), env: process.env, allowOutside: flags['allow-outside'] })
    this.noteWarnings(manifest.warnings)
    if (flags.format === 'json') this.out(renderValidationJson(manifest))
    else this.out(renderValidationHuman(manifest, file, colorsFor(process.stdout, process.env)))
    return ExitCode.Ok
  }
}
