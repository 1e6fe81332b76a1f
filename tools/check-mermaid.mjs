#!/usr/bin/env node
// Parse Mermaid diagrams with the mermaid package's own parser. Reads a JSON array of diagram
// texts on stdin; prints a JSON array of errors (null where a diagram parses); exits 1 on any.
import mermaid from 'mermaid';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const diagrams = JSON.parse(input);
const errors = [];
for (const diagram of diagrams) {
  try {
    await mermaid.parse(diagram);
    errors.push(null);
  } catch (error) {
    errors.push(String(error.message ?? error));
  }
}
process.stdout.write(JSON.stringify(errors));
process.exit(errors.some(Boolean) ? 1 : 0);
