#!/usr/bin/env node
// example-cli: a single-file build, published once per release tag.
const [command = 'help'] = process.argv.slice(2)
if (command === 'hello') console.log('hello from example-cli')
else console.log('usage: example-cli hello')
