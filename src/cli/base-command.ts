import { closeSync, readFileSync } from 'node:fs'
import { Command } from '@oclif/core/command'
import { ExitCode, PutplanError, type Diagnostic } from '../errors/index.js'
import { colorsFor } from '../render/colors.js'
import { renderDiagnostics } from '../render/diagnostics.js'
import { renderErrorJson } from '../render/error-json.js'
import { exitCodeOf, isUsageError } from './exit-with.js'
import { openRegularSync } from '../util/open-regular-file.js'

export type OutputFormat = 'human' | 'json' | 'markdown'

/**
 * The one place where errors become messages and exit codes, so that human and JSON
 * modes exit alike (Terraform's codes: 0 ok, 1 error, 2 changes with --detailed-exitcode).
 * Subclasses parse their flags, call one workflow, render, and return an exit code.
 */
export abstract class BaseCommand extends Command {
  /** Set by a subclass once its flags are parsed; errors before that are printed for people. */
  protected format: OutputFormat = 'human'

  protected abstract execute(): Promise<ExitCode>

  async run(): Promise<void> {
    try {
      process.exitCode = await this.execute()
    } catch (error) {
      process.exitCode = this.report(error)
    }
  }

  protected out(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** Messages and progress: stderr, so stdout stays one clean document. */
  protected note(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** Problems that do not stop the command (severity warning), as code frames on stderr. */
  protected noteWarnings(diagnostics: readonly Diagnostic[] = []): void {
    if (diagnostics.length > 0) this.note(renderDiagnostics(diagnostics, readSource, colorsFor(process.stderr, process.env)))
  }

  private report(error: unknown): ExitCode {
    const known = error instanceof PutplanError || isUsageError(error)
    if (!known) this.note(`putplan: internal error: ${(error as Error)?.stack ?? String(error)}`)
    if (this.format === 'json') this.out(errorJson(error, known))
    if (known && this.format !== 'json') this.note(this.renderError(error as Error))
    return exitCodeOf(error)
  }

  private renderError(error: Error): string {
    const c = colorsFor(process.stderr, process.env)
    if (error instanceof PutplanError && error.diagnostics.length > 0) {
      const frames = renderDiagnostics(error.diagnostics, readSource, c)
      return `${frames}\n${c.red('Error:')} ${error.message}`
    }
    return `${c.red('Error:')} ${error.message}`
  }
}

function errorJson(error: unknown, known: boolean): string {
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof PutplanError) return renderErrorJson(error.code, message, error.diagnostics)
  return renderErrorJson(known ? 'usage' : 'internal', message, [])
}

/** The manifest's text for code frames; never a FIFO's (reading one would wait for a writer). */
function readSource(file: string): string | undefined {
  try {
    const fd = openRegularSync(file)
    try {
      return readFileSync(fd, 'utf8')
    } finally {
      closeSync(fd)
    }
  } catch {
    return undefined
  }
}
