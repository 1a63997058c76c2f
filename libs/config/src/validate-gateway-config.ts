import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { GatewayConfig } from './gateway-config.dto';
import { GatewayConfigError } from './gateway-config.error';
import { formatPath } from './config-path';
import { findCrossFieldProblems } from './cross-field-rules';

/** Validates a merged config tree; returns the typed config or throws one error listing every problem. */
export function validateGatewayConfig(plain: unknown, earlierProblems: readonly string[] = []): GatewayConfig {
  const config = plainToInstance(GatewayConfig, plain ?? {});
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true });
  const problems = [...earlierProblems, ...errors.flatMap((error) => describeError(error, [])), ...findCrossFieldProblems(config)];
  if (problems.length > 0) throw new GatewayConfigError(problems);
  return config;
}

function describeError(error: ValidationError, parents: readonly string[]): string[] {
  const path = [...parents, error.property];
  const own = Object.entries(error.constraints ?? {}).map(([name, message]) => `${formatPath(path)}: ${describeConstraint(name, message, error.property)}`);
  const nested = (error.children ?? []).flatMap((child) => describeError(child, path));
  return [...own, ...nested];
}

function describeConstraint(name: string, message: string, property: string): string {
  if (name === 'whitelistValidation') return 'is not a known key';
  if (name === 'nestedValidation') return 'must be an object';
  // class-validator starts its messages with the property name; the path already says it.
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
