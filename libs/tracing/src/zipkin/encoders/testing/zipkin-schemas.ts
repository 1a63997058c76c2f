import { readFileSync } from 'node:fs';
import type { AnySchemaObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { ZipkinApiFile } from './zipkin-api-files';
import { zipkinApiFile } from './zipkin-api-files';

/**
 * Validates JSON span lists against the published Zipkin OpenAPI (Swagger 2.0) schemas in
 * third_party/zipkin-api: V2 against zipkin2-api.yaml, V1 against zipkin-api.yaml. Unit tests use it
 * on encoder output, e2e tests on what the stand-in collector receives. A body may be given as the
 * raw bytes, a string or already parsed; the result lists every error as `<json pointer> <message>`.
 */
export function validateV2Spans(body: unknown): string[] {
  validators ??= compileValidators();
  return validate(validators.v2, body);
}

export function validateV1Spans(body: unknown): string[] {
  validators ??= compileValidators();
  return validate(validators.v1, body);
}

let validators: { v1: ValidateFunction; v2: ValidateFunction } | undefined;

function compileValidators(): { v1: ValidateFunction; v2: ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  // Swagger 2.0 annotates schemas with `example`; it constrains nothing.
  ajv.addKeyword('example');
  addFormats(ajv);
  ajv.addSchema({ $id: 'zipkin2-api.yaml', definitions: definitionsOf('zipkin2-api.yaml') });
  ajv.addSchema({ $id: 'zipkin-api.yaml', definitions: withV1AddressValues(definitionsOf('zipkin-api.yaml')) });
  return {
    v1: ajv.compile({ $ref: 'zipkin-api.yaml#/definitions/ListOfSpans' }),
    v2: ajv.compile({ $ref: 'zipkin2-api.yaml#/definitions/ListOfSpans' }),
  };
}

function definitionsOf(file: ZipkinApiFile): Record<string, AnySchemaObject> {
  const document = parse(readFileSync(zipkinApiFile(file), 'utf8')) as { definitions?: Record<string, AnySchemaObject> };
  if (document.definitions === undefined) throw new Error(`${file} has no definitions`);
  return document.definitions;
}

/**
 * The one correction to the V1 schema. zipkin-api.yaml types BinaryAnnotation.value as a string, yet
 * its own description says the value "is set to boolean true" for the address keys sa, ca and ma;
 * Zipkin's V1 JSON writer writes `true` and its reader only takes a boolean as an address (a string
 * "true" becomes a tag). So: a string, or `true` on exactly those keys, which then need an endpoint.
 */
function withV1AddressValues(definitions: Record<string, AnySchemaObject>): Record<string, AnySchemaObject> {
  const binaryAnnotation = definitions.BinaryAnnotation;
  if (binaryAnnotation === undefined) throw new Error('zipkin-api.yaml has no BinaryAnnotation');
  const properties = binaryAnnotation.properties as Record<string, AnySchemaObject>;
  return {
    ...definitions,
    BinaryAnnotation: {
      ...binaryAnnotation,
      properties: { ...properties, value: { type: ['string', 'boolean'] } },
      if: { properties: { value: { type: 'boolean' } } },
      then: {
        properties: { key: { enum: ['sa', 'ca', 'ma'] }, value: { const: true }, endpoint: {} },
        required: ['endpoint'],
      },
    },
  };
}

function validate(validateFunction: ValidateFunction, body: unknown): string[] {
  let data = body;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    try {
      data = JSON.parse(body.toString()) as unknown;
    } catch (error) {
      return [`/ not JSON: ${(error as Error).message}`];
    }
  }
  if (validateFunction(data)) return [];
  return (validateFunction.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`);
}
