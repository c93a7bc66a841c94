import { createColors } from 'picocolors'

export type Colors = ReturnType<typeof createColors>

/** Colours only where a person reads them: never with NO_COLOR, in CI logs or pipes. */
export function colorsFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): Colors {
  const forced = env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0'
  const disabled = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== ''
  return createColors(!disabled && (forced || (stream.isTTY === true && env['TERM'] !== 'dumb')))
}

export const NO_COLORS: Colors = createColors(false)
