const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** Binary units, three significant digits: 1.5 KiB, 120 MiB. */
export function formatSize(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toFixed(digits)} ${UNITS[unit]}`
}
