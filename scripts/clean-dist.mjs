#!/usr/bin/env node
// Empties dist/ before a build: tsc only adds and overwrites, so a file whose source was
// renamed or removed would otherwise stay behind and ship in `npm pack`.
import { rm } from 'node:fs/promises'

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true })
