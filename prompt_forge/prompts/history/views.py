"""GET /search/: thin; validation in serializers, the search in selectors."""

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.search.hybrid import Mode

from ..serializers import validate_query
from ..throttles import PROMPT_THROTTLES
from .api_docs import search_schema
from .selectors import SearchFilters, history_search
from .serializers import SearchHitSerializer, SearchQuerySerializer


class SearchView(APIView):
    """The user's own turns best matching `q` by words, meaning or both, optionally filtered."""

    throttle_classes = PROMPT_THROTTLES

    @search_schema
    def get(self, request: Request) -> Response:
        params = validate_query(request.query_params, SearchQuerySerializer)
        filters = SearchFilters(
            since=params.get("since"),
            until=params.get("until"),
            model=params.get("model"),
            template=params.get("template"),
            conversation=params.get("conversation"),
            status=params.get("status"),
            tag=params.get("tag"),
        )
        hits = history_search(
            user_id=request.user.pk, query=params["q"], mode=Mode(params["mode"]), k=params["k"], filters=filters
        )
        return Response(SearchHitSerializer(hits, many=True).data)
