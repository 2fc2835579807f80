"""Side effects after commit: the outbox of e-mail messages and the worker that delivers them."""
