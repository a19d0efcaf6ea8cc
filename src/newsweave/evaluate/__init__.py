"""Evaluation harnesses: newsweave against baselines on public datasets."""
