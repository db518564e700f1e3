/** One user's locations share a partition, so they are processed in the order they were accepted. */
export const userKafkaKey = (source: string, userId: string): string => `${source}:${userId}`;
