"""Where an editor's write goes: published at once, or kept as a proposal for review.

The plumbing knows no app above it: the review app installs its gate when it starts
(``review/apps.py``), and the admin (``common.admin.EditorialAdmin``) and the API
(``common.api.views.AtomicWritesMixin``) ask it. Without a gate every permitted write publishes.

A gate has ``must_propose(user, model)`` (whether this user's write of this kind of record waits
for review), ``propose(**kwargs)`` (``review.services.propose``) and ``url(proposal)`` (where the
proposal is seen).
"""

_gate = None


def install(gate):
    global _gate
    _gate = gate


def gate():
    return _gate


def must_propose(user, model):
    """Whether ``user``'s write of a ``model`` record becomes a proposal."""
    return _gate is not None and _gate.must_propose(user, model)
