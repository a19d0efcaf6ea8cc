"""What a story's outlets say together: the cited summary (`summarize`), facts,
corroboration, disagreements, quotes and coverage across outlets (`crossref`), event dates
and timelines (`timeline`), and storylines linking related stories (`storyline`)."""
