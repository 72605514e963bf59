"""The runtime's own version, recorded in every SDK that carries it (each SDK has its own version too).

Bump it when the runtime changes what an SDK does; `make release-notes` names it in each changelog.
"""

RUNTIME_VERSION = "3.0.0"
