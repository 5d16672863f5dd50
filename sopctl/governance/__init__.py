"""Commit and Execute: approvals, actions, the plan digest, and (in tag/verify) commit records."""
