"""HTTP endpoints for templates (own data only). Thin: parsing in inputs, logic in services and selectors;
domain errors raised here are answered by prompt_forge/edge/errors.py."""

from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.prompts.inputs import parse_sampling
from prompt_forge.prompts.serializers import validate_query

from . import selectors, services
from .api_docs import (
    create_schema,
    delete_schema,
    diff_schema,
    label_delete_schema,
    label_set_schema,
    list_schema,
    retrieve_schema,
    version_create_schema,
    version_schema,
)
from .errors import TemplateNotFoundError
from .inputs import check_label, parse_create, parse_diff_query, parse_label, parse_version
from .serializers import PageQuerySerializer, TemplateDetailSerializer, TemplateSerializer, VersionSerializer

NOT_FOUND = {"detail": "Not found."}


class TemplatePagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100


def _checked_params(params: dict | None) -> dict | None:
    if params is not None:
        parse_sampling(params)  # the same checks and messages as a prompt's own parameters
    return params


class TemplateListView(APIView):
    """GET: the caller's templates. POST: a new template with its version 1."""

    @list_schema
    def get(self, request: Request) -> Response:
        validate_query(request.query_params, PageQuerySerializer)
        paginator = TemplatePagination()
        page = paginator.paginate_queryset(selectors.template_list(user_id=request.user.pk), request, view=self)
        return paginator.get_paginated_response(TemplateSerializer(page, many=True).data)

    @create_schema
    def post(self, request: Request) -> Response:
        fields = parse_create(request.data)
        _checked_params(fields["params"])
        template = services.template_create(user_id=request.user.pk, **fields)
        return Response(TemplateDetailSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailView(APIView):
    @retrieve_schema
    def get(self, request: Request, name: str) -> Response:
        template = selectors.template_get_or_404(user_id=request.user.pk, name=name)
        return Response(TemplateDetailSerializer(template).data)

    @delete_schema
    def delete(self, request: Request, name: str) -> Response:
        if not services.template_delete(user_id=request.user.pk, name=name):
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionCreateView(APIView):
    @version_create_schema
    def post(self, request: Request, name: str) -> Response:
        template = selectors.template_get_or_404(user_id=request.user.pk, name=name)
        fields = parse_version(request.data)
        _checked_params(fields["params"])
        version = services.version_create(template=template, **fields)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionDetailView(APIView):
    @version_schema
    def get(self, request: Request, name: str, number: int) -> Response:
        template = selectors.template_get_or_404(user_id=request.user.pk, name=name)
        return Response(VersionSerializer(selectors.version_get(template=template, number=number)).data)


class DiffView(APIView):
    @diff_schema
    def get(self, request: Request, name: str) -> Response:
        template = selectors.template_get_or_404(user_id=request.user.pk, name=name)
        old, new = parse_diff_query(request.query_params)
        text = selectors.diff(template=template, old=old, new=new)
        return Response({"template": template.name, "from": old, "to": new, "diff": text})


class LabelView(APIView):
    @label_set_schema
    def put(self, request: Request, name: str, label: str) -> Response:
        template = selectors.template_get_or_404(user_id=request.user.pk, name=name)
        number = parse_label(request.data)
        row = services.label_set(template=template, label=check_label(label), number=number)
        return Response({"template": template.name, "label": row.label, "version": row.version.number})

    @label_delete_schema
    def delete(self, request: Request, name: str, label: str) -> Response:
        template = selectors.template_get_or_404(user_id=request.user.pk, name=name)
        if not services.label_delete(template=template, label=check_label(label)):
            raise TemplateNotFoundError("template label not found", "label")
        return Response(status=status.HTTP_204_NO_CONTENT)
