#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'

// V8 makes an allocation site allocate straight into the old generation once most of its objects
// outlive a scavenge, as per-request objects sometimes do early in a run. Those old, soon-dead
// objects then keep each later request's young objects alive until a full collection: a no-op
// plan of 10,000 objects without a state record peaked at 170-200 MB in those runs, against
// 135-140 MB. The flag is read at every scavenge, so it is set before anything else loads
// (bench/README.md has the traces and the measurements).
setFlagsFromString('--no-allocation-site-pretenuring')

// The entry points alone, not oclif's index, which loads every part of oclif (30-50 ms).
const [{ execute }, { settings }] = await Promise.all([import('@oclif/core/execute'), import('@oclif/core/settings')])
// putplan runs its compiled dist/ only. Left on, oclif looks for TypeScript whenever
// NODE_ENV is development or test (as a site's own CI or shell often sets it) and, installed
// without it, warns on every run.
settings.enableAutoTranspile = false
await execute({ dir: import.meta.url })
