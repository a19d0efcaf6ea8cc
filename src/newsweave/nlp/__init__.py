"""Language analysis per article: sentences, entities, quotes, temporal expressions."""
