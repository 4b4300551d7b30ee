"""`make bench`: each benchmark reports a ratio against a baseline measured in the same run."""
