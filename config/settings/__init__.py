"""Settings are split by concern; every value comes from the environment (see .env.example)."""

from .ai import *  # noqa: F403
from .api_docs import *  # noqa: F403
from .base import *  # noqa: F403
from .channels import *  # noqa: F403
from .conversations import *  # noqa: F403
from .jwt import *  # noqa: F403
from .observability import *  # noqa: F403
from .realtime import *  # noqa: F403
from .search import *  # noqa: F403
from .security import *  # noqa: F403
from .usage import *  # noqa: F403
from .web import *  # noqa: F403
