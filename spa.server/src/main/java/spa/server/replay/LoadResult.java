package spa.server.replay;

/**
 * What reading a cache file found: records {@code loaded} into the cache, {@code expired} and {@code invalid}
 * ones skipped, and the {@code records} the file holds (image records and record lines, duplicates included).
 */
public record LoadResult(int loaded, int expired, int invalid, int records) {}
