/**
 * The comparison form of a text, used for identity keys and version hashes: the pipeline's
 * `comparable` (punctuation width folded, spacing dropped), re-exported so that db/ depends on
 * it in one place. Version hashes are computed with it: changing it changes every hash.
 * @internal
 */
export { comparable } from '../pipeline/normalize.ts';
