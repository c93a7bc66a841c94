import type { Hook } from '@oclif/core'
import { ExitCode } from '../errors/index.js'
import { didYouMean } from '../manifest/did-you-mean.js'

/**
 * An unknown command (or a flag before any command) is the user's mistake: exit 1, as
 * every usage error does, with the help line, instead of oclif's exit 2, which scripts
 * read as "the plan has changes". Written here, not thrown, because no command ran to
 * catch it; the exit that follows prints nothing more.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const written = options.id.replaceAll(':', ' ')
  const commands = options.config.commandIDs.filter((id) => !id.includes(':')).sort()
  const guess = written.startsWith('-') ? undefined : didYouMean(written, commands)
  const what = written.startsWith('-')
    ? `${JSON.stringify(written)} is not a putplan flag here: flags follow a command (putplan COMMAND ${written})`
    : `${JSON.stringify(written)} is not a putplan command${guess === undefined ? '' : `; did you mean "${guess}"?`}`
  process.stderr.write(`Error: ${what}\nCommands: ${commands.join(', ')}. See more help with ${options.config.bin} --help\n`)
  this.exit(ExitCode.Error)
}

export default hook
