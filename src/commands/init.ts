import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../cli/base-command.js'
import { manifestFlag } from '../cli/flags.js'
import { ExitCode } from '../errors/index.js'
import { initManifest } from '../workflow/init-manifest.js'

export default class Init extends BaseCommand {
  static override summary = 'Write a commented starter manifest (never overwrites one).'

  static override examples = [
    { description: 'Start ./uploads.yaml for a bucket', command: '<%= config.bin %> <%= command.id %> --bucket my-site' },
    { description: 'Start a manifest elsewhere', command: '<%= config.bin %> <%= command.id %> -f deploy/uploads.yaml' },
  ]

  static override flags = {
    file: manifestFlag,
    bucket: Flags.string({ summary: 'Bucket to put in the manifest.', default: 'my-bucket' }),
  }

  protected async execute(): Promise<ExitCode> {
    const { flags } = await this.parse(Init)
    await initManifest(flags.file, flags.bucket)
    this.note(`Wrote ${flags.file}. Next: edit it, then run putplan validate -f ${flags.file}`)
    return ExitCode.Ok
  }
}
