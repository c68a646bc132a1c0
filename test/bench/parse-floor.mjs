// Child of `npm run bench`: the floor for `podsec scan -f DIR`: read every .yaml file under DIR
// and parse it with the same yaml library and options (documents to JS), nothing else.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out;
}
let docs = 0;
for (const f of walk(process.argv[2], [])) {
  const lineCounter = new LineCounter();
  for (const d of parseAllDocuments(readFileSync(f, 'utf8'), { lineCounter, uniqueKeys: false, prettyErrors: false })) {
    if (d.toJS({ maxAliasCount: 1000 }) !== null) docs++;
  }
}
process.stdout.write(`${docs}\n`);
