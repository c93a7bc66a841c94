// Preloaded into the CLI (node --import) so that it takes its stderr, a pipe, for a
// terminal: its progress output can then be read byte for byte.
Object.defineProperty(process.stderr, 'isTTY', { value: true })
Object.defineProperty(process.stderr, 'columns', { value: 120 })
Object.defineProperty(process.stderr, 'getWindowSize', { value: () => [120, 40] })
