import { parseSpanId, parseTraceId, toOtelTraceId, toWireTraceId } from './trace-ids';

const TRACE_ID_128 = '80f198ee56343ba864fe8b2a57d3eff7';
const TRACE_ID_64 = '64fe8b2a57d3eff7';
const SPAN_ID = 'e457b5a2e4d86bd1';
const ZERO_16 = '0000000000000000';

describe('trace-ids', () => {
  describe(parseTraceId.name, () => {
    it.each<[string, string | undefined, string | undefined]>([
      ['a 128-bit id', TRACE_ID_128, TRACE_ID_128],
      ['a 64-bit id at its length', TRACE_ID_64, TRACE_ID_64],
      ['a 128-bit id with a zero high half at its length', `${ZERO_16}${TRACE_ID_64}`, `${ZERO_16}${TRACE_ID_64}`],
      ['upper-case hex, lowered', TRACE_ID_128.toUpperCase(), TRACE_ID_128],
      ['surrounding whitespace', ` ${TRACE_ID_64} `, TRACE_ID_64],
      ['absent', undefined, undefined],
      ['empty', '', undefined],
      ['15 hex', TRACE_ID_64.slice(1), undefined],
      ['24 hex', TRACE_ID_128.slice(8), undefined],
      ['33 hex', `a${TRACE_ID_128}`, undefined],
      ['non-hex', `${TRACE_ID_64.slice(1)}g`, undefined],
      ['all zero (64-bit)', ZERO_16, undefined],
      ['all zero (128-bit)', `${ZERO_16}${ZERO_16}`, undefined],
    ])('should read %s', (_case, value, expected) => {
      expect(parseTraceId(value)).toBe(expected);
    });
  });

  describe(parseSpanId.name, () => {
    it.each<[string, string | undefined, string | undefined]>([
      ['a 64-bit id', SPAN_ID, SPAN_ID],
      ['upper-case hex, lowered', SPAN_ID.toUpperCase(), SPAN_ID],
      ['absent', undefined, undefined],
      ['empty', '', undefined],
      ['15 hex', SPAN_ID.slice(1), undefined],
      ['32 hex', TRACE_ID_128, undefined],
      ['non-hex', `${SPAN_ID.slice(1)}-`, undefined],
      ['all zero', ZERO_16, undefined],
    ])('should read %s', (_case, value, expected) => {
      expect(parseSpanId(value)).toBe(expected);
    });
  });

  describe(toOtelTraceId.name, () => {
    it.each([
      ['a 64-bit id, left-padded to 32 hex', TRACE_ID_64, `${ZERO_16}${TRACE_ID_64}`],
      ['a 128-bit id, unchanged', TRACE_ID_128, TRACE_ID_128],
    ])('should convert %s', (_case, wire, expected) => {
      expect(toOtelTraceId(wire)).toBe(expected);
    });
  });

  describe(toWireTraceId.name, () => {
    it.each([
      ['a zero high half to 16 hex', `${ZERO_16}${TRACE_ID_64}`, TRACE_ID_64],
      ['a 128-bit id, unchanged', TRACE_ID_128, TRACE_ID_128],
      ['a high half that only starts with zeros, unchanged', `00000000${TRACE_ID_128.slice(8)}`, `00000000${TRACE_ID_128.slice(8)}`],
    ])('should convert %s', (_case, otel, expected) => {
      expect(toWireTraceId(otel)).toBe(expected);
    });

    it.each([[TRACE_ID_64], [TRACE_ID_128], ['0000000000000001'], ['00000000000000010000000000000000']])(
      'should round-trip the wire id %s through toOtelTraceId',
      (wire) => {
        expect(toWireTraceId(toOtelTraceId(wire))).toBe(wire);
      },
    );

    it.each([[`${ZERO_16}${TRACE_ID_64}`], [TRACE_ID_128]])('should round-trip the OpenTelemetry id %s through toWireTraceId', (otel) => {
      expect(toOtelTraceId(toWireTraceId(otel))).toBe(otel);
    });
  });
});
