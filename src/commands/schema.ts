import { BaseCommand } from '../cli/base-command.js'
import { ExitCode } from '../errors/index.js'
import { manifestSchemaText } from '../manifest/index.js'

export default class Schema extends BaseCommand {
  static override summary = "Print the manifest's JSON Schema."

  static override description = `Editors validate and complete uploads.yaml with it: yaml-language-server reads the
"# yaml-language-server: $schema=..." comment on the manifest's first line.`

  static override examples = [
    { description: 'Save the schema beside the manifest', command: '<%= config.bin %> <%= command.id %> > uploads.schema.json' },
  ]

  protected async execute(): Promise<ExitCode> {
    await this.parse(Schema)
    this.out(manifestSchemaText())
    return ExitCode.Ok
  }
}
