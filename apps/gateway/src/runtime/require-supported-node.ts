import { formatLogLine } from '../logging/log-line';
import { unsupportedNodeMessage } from './supported-node';

// Imported first by main.ts: on an older Node the dependencies (ESM-only Nest 12, OpenTelemetry 3.x) would
// fail with a stack trace far from the cause, so the process stops here with one line instead.
const refusal = unsupportedNodeMessage(process.version);
if (refusal !== undefined) {
  process.stderr.write(`${formatLogLine(new Date(), 'error', refusal)}\n`);
  process.exit(1);
}
