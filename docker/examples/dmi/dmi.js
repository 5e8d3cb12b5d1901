'use strict';
// Prints the system's maker, product and version from the SMBIOS structure table (System Information,
// type 1), and the uid that read it. Exits 1 when the table cannot be read or has no type 1 entry.
const { readFileSync } = require('node:fs');

const path = process.argv[2] || '/sys/firmware/dmi/tables/DMI';

/** Each structure: type, length of its formatted part, handle, fields; then strings ending in "\0\0". */
function* structures(table) {
  let offset = 0;
  while (offset + 4 <= table.length) {
    const type = table[offset];
    const length = table[offset + 1];
    const end = table.indexOf('\0\0', offset + length, 'latin1');
    if (length < 4 || end < 0) return;
    const strings = table.toString('latin1', offset + length, end).split('\0');
    yield { type, fields: table.subarray(offset, offset + length), text: (index) => (index > 0 ? strings[index - 1] ?? '' : '') };
    if (type === 127) return;
    offset = end + 2;
  }
}

let table;
try {
  table = readFileSync(path);
} catch (error) {
  console.error(`uid ${process.getuid()}: ${error.message}`);
  process.exit(1);
}
for (const structure of structures(table)) {
  if (structure.type !== 1) continue;
  const [maker, product, version] = [4, 5, 6].map((field) => structure.text(structure.fields[field] ?? 0));
  console.log(`uid ${process.getuid()} read ${path}: ${maker} ${product} ${version}`.trimEnd());
  process.exit(0);
}
console.error(`${path}: no System Information (type 1) structure`);
process.exit(1);
