"""The original implementation's similarity search, kept only to measure against (never in the product).

On every request it loaded every user's embeddings through the ORM, built a flat index from all of
them and took the top 5. The exhaustive inner product here is what a flat index computes.
"""

import numpy as np
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as product_urls
from prompt_forge.ai.registry import get_embedder
from prompt_forge.prompts.models import Prompt, PromptEmbedding
from prompt_forge.prompts.serializers import PromptSerializer


class RebuildPerRequestSimilarView(APIView):
    def get(self, request: Request) -> Response:
        vector = get_embedder().embed([request.query_params["q"]])[0]
        rows = list(PromptEmbedding.objects.all())  # everyone's rows, as model instances
        ids = [row.prompt_id for row in rows]
        matrix = np.vstack([row.as_array() for row in rows])  # the flat index, rebuilt
        top = np.argsort(-(matrix @ vector))[:5]
        prompts = Prompt.objects.select_related("metadata", "embedding").in_bulk([ids[i] for i in top])
        return Response([PromptSerializer(prompts[ids[i]]).data for i in top])


urlpatterns = [path("baseline/similar/", RebuildPerRequestSimilarView.as_view()), *product_urls]
