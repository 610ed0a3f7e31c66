// Compatibility only: imgix lives in ./providers/imgix/. Kept for importers in src/host until they move.
export { IMGIX_PURGE_RATE } from './providers/imgix';
