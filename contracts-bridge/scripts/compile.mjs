// Compiles contracts/*.sol with the pinned solc-js (standard JSON, no network) and writes, per contract,
// <out>/<Name>.abi and <out>/<Name>.bin. Imports resolve from contracts/ first, then node_modules/.
// Usage: node scripts/compile.mjs [outDir]   (default: target/contracts)
// Exits non-zero on any compiler error or warning, so a warning cannot slip into a build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const contractsDir = path.join(root, 'contracts');
const outDir = path.resolve(root, process.argv[2] ?? 'target/contracts');

const sources = {};
for (const file of fs.readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(contractsDir, file), 'utf8') };
}

function findImports(importPath) {
  for (const base of [contractsDir, path.join(root, 'node_modules')]) {
    const candidate = path.resolve(base, importPath);
    if (candidate.startsWith(base + path.sep) && fs.existsSync(candidate)) {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    }
  }
  return { error: `not found in contracts/ or node_modules/: ${importPath}` };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 10000 },
    viaIR: false,
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const problems = (output.errors ?? []).filter((e) => e.severity === 'error' || e.severity === 'warning');
for (const e of output.errors ?? []) console.error(e.formattedMessage ?? e.message);
if (problems.length > 0) {
  console.error(`solc ${solc.version()}: ${problems.length} error(s)/warning(s)`);
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
let written = 0;
for (const file of Object.keys(sources)) {
  for (const [name, contract] of Object.entries(output.contracts[file] ?? {})) {
    const bin = contract.evm.bytecode.object;
    if (!bin) continue; // interfaces and abstract contracts
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(contract.abi));
    fs.writeFileSync(path.join(outDir, `${name}.bin`), bin);
    const runtimeBytes = contract.evm.deployedBytecode.object.length / 2;
    if (runtimeBytes > 24576) {
      console.error(`${name}: runtime code ${runtimeBytes} bytes exceeds the EIP-170 limit`);
      process.exit(1);
    }
    written++;
  }
}
console.log(`solc ${solc.version()}: ${written} contracts -> ${path.relative(root, outDir)}`);
