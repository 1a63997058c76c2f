import { staticTagsOf } from './static-tags';

describe(staticTagsOf.name, () => {
  it.each<[string, Record<string, string>, Record<string, string>, Record<string, string> | undefined]>([
    ['none configured', {}, {}, undefined],
    ['the static tags alone', { env: 'prod' }, {}, { env: 'prod' }],
    ['OTEL_RESOURCE_ATTRIBUTES alone', {}, { 'deployment.environment': 'prod' }, { 'deployment.environment': 'prod' }],
    ['both, the variable winning per key', { env: 'staging', team: 'edge' }, { env: 'prod' }, { env: 'prod', team: 'edge' }],
    ['service.name left out (it is the local endpoint)', { 'service.name': 'x' }, { 'service.name': 'y', env: 'prod' }, { env: 'prod' }],
    ['only service.name: no tags', {}, { 'service.name': 'y' }, undefined],
  ])('should merge %s', (_case, staticTags, resourceAttributes, expected) => {
    expect(staticTagsOf({ staticTags, resourceAttributes })).toEqual(expected);
  });
});
