"""Directory pages: the public directory, the in-app search, provider upkeep and moderation."""
