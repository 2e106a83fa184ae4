/**
 * The image-reference grammar (docker/distribution's, simplified): a pure leaf that the CLI's
 * --image validator and the Dockerfile stage resolver both read, each wording its own error.
 */

// [domain[:port]/]name[:tag][@digest], or an image id.
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?|\\[[0-9a-fA-F:]+\\](?::\\d+)?)';
const IMAGE_REF = new RegExp(
  `^(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,})?$`,
);
const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{12,64}$/;
/** docker/distribution: the name (without tag or digest) is at most 255 characters. */
export const MAX_IMAGE_NAME = 255;

/** Why `ref` is not an image reference: `too-long` (with the name's length), `malformed`, or null when it is one. */
export function imageRefProblem(ref: string): { kind: 'too-long'; nameLength: number } | { kind: 'malformed' } | null {
  const name = ref.replace(/@.*$/, '').replace(/:[\w][\w.-]{0,127}$/, '');
  if (name.length > MAX_IMAGE_NAME) return { kind: 'too-long', nameLength: name.length };
  if (!IMAGE_REF.test(ref) && !IMAGE_ID.test(ref)) return { kind: 'malformed' };
  return null;
}
