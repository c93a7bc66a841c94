import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../cli/base-command.js'
import { formatFlag } from '../cli/flags.js'
import { ExitCode } from '../errors/index.js'
import { colorsFor } from '../render/colors.js'
import { renderPlanHuman } from '../render/plan-human.js'
import { renderPlanJson } from '../render/plan-json.js'
import { renderPlanMarkdown } from '../render/plan-markdown.js'
import { readPlanFile } from '../workflow/plan-file.js'

export default class Show extends BaseCommand {
  static override summary = 'Render a saved plan (from plan --out) without contacting the bucket.'

  static override examples = [
    { description: 'Show a saved plan', command: '<%= config.bin %> <%= command.id %> plan.json' },
    { description: 'As a pull-request comment', command: '<%= config.bin %> <%= command.id %> plan.json --format markdown' },
  ]

  static override args = {
    plan: Args.string({ description: 'Saved plan file.', required: true }),
  }

  static override flags = {
    format: formatFlag(['human', 'json', 'markdown'] as const),
    verbose: Flags.boolean({ char: 'v', summary: 'List unchanged objects too.' }),
  }

  protected async execute(): Promise<ExitCode> {
    const { args, flags } = await this.parse(Show)
    this.format = flags.format
    const { plan } = await readPlanFile(args.plan)
    if (flags.format === 'json') this.out(renderPlanJson(plan))
    else if (flags.format === 'markdown') this.out(renderPlanMarkdown(plan))
    else this.out(renderPlanHuman(plan, { colors: colorsFor(process.stdout, process.env), verbose: flags.verbose }))
    return ExitCode.Ok
  }
}
