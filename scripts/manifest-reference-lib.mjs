/**
 * Renders the README's manifest reference from the manifest's JSON Schema, so the two
 * cannot disagree. Pure: schema in, markdown out (no files, no console).
 */

export const START = '<!-- manifest-reference:start -->'
export const END = '<!-- manifest-reference:end -->'

/** Put option descriptions end with this sentence; the header gets its own column. */
const HEADER_SENTENCE = /\s*S3 header: `([^`]+)`\.$/

/** Object definitions are named, not expanded: each has its own table. */
const DEF_LABELS = { entry: 'list of entries', rule: 'list of rules', putOptions: 'put options' }

/** @param {Record<string, any>} schema */
export function renderManifestReference(schema) {
  const entryProps = schema.$defs.entry.properties
  const entryFields = Object.keys(entryProps).filter((n) => !isPutOptionRef(entryProps[n]))
  const options = schema.$defs.putOptions.properties
  const topLevelOptions = Object.keys(schema.properties).filter((n) => isPutOptionRef(schema.properties[n]))
  const lines = [
    'Generated from `schema/uploads.schema.json` by `node scripts/manifest-reference.mjs --write`; edit the schema, not this section.',
    '',
    '### Top level',
    '',
    ...table(['Field', 'Type', 'Required', 'Description'], Object.keys(schema.properties).map((name) => {
      const prop = schema.properties[name]
      return [code(name), typeLabel(schema, prop), schema.required.includes(name) ? 'yes' : '', descriptionOf(schema, prop)]
    })),
    '',
    '### Entries (`uploads[]`)',
    '',
    `Each entry takes these fields and any put option below; its put options override \`defaults\`.`,
    '',
    ...table(['Field', 'Type', 'Required', 'Description'], entryFields.map((name) => {
      const prop = entryProps[name]
      return [code(name), typeLabel(schema, prop), schema.$defs.entry.required.includes(name) ? 'yes' : '', descriptionOf(schema, prop)]
    })),
    '',
    ...ruleSection(schema),
    '### Put options',
    '',
    `Allowed in \`defaults\`, in every entry and in every rule; ${topLevelOptions.map(code).join(' and ')} also at the top level.`,
    '',
    ...table(['Option', 'Type / allowed values', 'S3 header', 'Description'], Object.keys(options).map((name) => {
      const description = descriptionOf(schema, options[name])
      const header = HEADER_SENTENCE.exec(description)?.[1]
      return [code(name), typeLabel(schema, options[name]), header ? code(header) : '', description.replace(HEADER_SENTENCE, '')]
    })),
  ]
  return lines.join('\n') + '\n'
}

/** The fields of a rule other than put options, when the schema has rules. */
function ruleSection(schema) {
  const rule = schema.$defs.rule
  if (rule === undefined) return []
  const fields = Object.keys(rule.properties).filter((n) => !isPutOptionRef(rule.properties[n]))
  return [
    '### Rules (`rules[]`)',
    '',
    'Each rule takes these fields and any put option below; the first rule whose `match` fits an object key applies to it, over `defaults` and under the entry\'s own options.',
    '',
    ...table(['Field', 'Type', 'Required', 'Description'], fields.map((name) => {
      const prop = rule.properties[name]
      return [code(name), typeLabel(schema, prop), rule.required.includes(name) ? 'yes' : '', descriptionOf(schema, prop)]
    })),
    '',
  ]
}

/** README with its marked block replaced by `body`; throws when the markers are missing. */
export function replaceBlock(readme, body) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`)
  return readme.slice(0, start + START.length) + '\n' + body + readme.slice(end)
}

/** The text between the markers, as `replaceBlock` writes it; undefined without markers. */
export function extractBlock(readme) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) return undefined
  return readme.slice(start + START.length + 1, end)
}

function isPutOptionRef(prop) {
  return typeof prop.$ref === 'string' && prop.$ref.startsWith('#/$defs/putOptions/properties/')
}

function resolve(schema, ref) {
  return ref.slice(2).split('/').reduce((node, part) => node[part], schema)
}

/** A property's own description, else that of the schema its `$ref` names. */
function descriptionOf(schema, prop) {
  if (prop.description) return prop.description
  return prop.$ref ? descriptionOf(schema, resolve(schema, prop.$ref)) : ''
}

function typeLabel(schema, prop) {
  if (prop.$ref) {
    const defName = /^#\/\$defs\/([^/]+)$/.exec(prop.$ref)?.[1]
    if (defName && DEF_LABELS[defName]) return DEF_LABELS[defName]
    return typeLabel(schema, { ...resolve(schema, prop.$ref), ...prop, $ref: undefined })
  }
  if (prop.enum) return prop.enum.map((v) => code(String(v))).join(', ')
  if (prop.const !== undefined) return code(JSON.stringify(prop.const))
  if (prop.oneOf) return prop.oneOf.map((alt) => typeLabel(schema, alt)).join(' or ')
  if (prop.type === 'array') {
    if (prop.items?.$ref) return typeLabel(schema, prop.items)
    return `list of ${typeLabel(schema, prop.items ?? {})}s`
  }
  if (Array.isArray(prop.type)) return prop.type.map((type) => typeLabel(schema, { ...prop, type })).join(' or ')
  if (prop.type === 'object' && prop.properties) return `mapping (${Object.keys(prop.properties).map(code).join(', ')})`
  if (prop.type === 'object') return `map of ${typeLabel(schema, prop.additionalProperties ?? {})}s`
  if (prop.type === 'string' && prop.format) return `string (${prop.format})`
  return prop.type ?? 'any'
}

function table(headers, rows) {
  return [row(headers), row(headers.map(() => '---')), ...rows.map((cells) => row(cells.map(escapeCell)))]
}

function row(cells) {
  return `| ${cells.join(' | ')} |`
}

function code(text) {
  return '`' + text + '`'
}

/**
 * Makes text safe in a table cell: pipes would split the cell, and outside code spans
 * `<...>` would vanish as HTML and `*` could start emphasis.
 */
function escapeCell(text) {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part.replace(/\|/g, '\\|') : part.replace(/[|*]/g, '\\$&').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
    .replace(/\s*\n\s*/g, ' ')
}
