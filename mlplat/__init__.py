"""mlplat: the offline review tool of the ML platform (plan, and later check, cost, diff)."""
