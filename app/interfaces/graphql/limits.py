"""What one GraphQL request may cost, checked before anything runs.

Depth alone does not bound a request: one anonymous request of 1,000 aliased
``posts(pageSize: 100)`` fields is shallow, yet it read 100,000 rows, ran for 15 s and froze
other requests. So every operation gets a cost, and one costing more than
``settings.GRAPHQL_MAX_COST`` is refused with a QUERY_TOO_COSTLY error before it executes:

- each selected field costs 1, times the page size of every list (``pageSize``) it is inside;
  aliases are separate fields, so repeating a field under a thousand aliases costs a thousand
  times as much;
- ``pageSize`` given by a variable is counted as the largest page (validation sees the
  document, not the variables), an omitted one as the default page;
- introspection (``__schema``, ``__type``, ``__typename``) is free, so GraphiQL keeps working.

The body itself is capped at ``settings.GRAPHQL_MAX_BODY_BYTES`` (uploads aside: a multipart
request's files are held to the upload limits, its ``operations`` part to this one).
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule, ValidationRule, get_named_type
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from graphql.type import GraphQLField, GraphQLNamedType

from domain.posts.selectors import MAX_PAGE_SIZE

QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
PAGE_SIZE = "pageSize"


def _page_size(field_node: FieldNode, field_definition: GraphQLField | None) -> int:
    """How many items a paginated field returns at most; 1 for any other field."""
    argument = field_definition.args.get(PAGE_SIZE) if field_definition else None
    if argument is None:
        return 1
    for given in field_node.arguments or ():
        if given.name.value == PAGE_SIZE:
            if isinstance(given.value, IntValueNode):
                # Sizes out of range are refused by the resolver; here they cost the most.
                return min(max(int(given.value.value), 1), MAX_PAGE_SIZE)
            return MAX_PAGE_SIZE  # a variable: validation cannot see its value
    return int(argument.default_value)


class CostLimit(ValidationRule):
    """Refuse an operation costing more than ``settings.GRAPHQL_MAX_COST`` (read per request)."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        schema = self.context.schema
        root = {
            OperationType.QUERY: schema.query_type,
            OperationType.MUTATION: schema.mutation_type,
        }.get(node.operation)
        limit = settings.GRAPHQL_MAX_COST
        cost = self._cost(node.selection_set, root, 1, frozenset())
        if cost > limit:
            self.report_error(
                GraphQLError(
                    f"This operation costs {cost}, more than the {limit} allowed: ask for "
                    "fewer fields, fewer aliases or smaller pages (pageSize).",
                    node,
                    extensions={"code": QUERY_TOO_COSTLY, "cost": cost, "maxCost": limit},
                )
            )

    def _cost(
        self,
        selection_set: SelectionSetNode | None,
        parent_type: GraphQLNamedType | None,
        multiplier: int,
        fragments_seen: frozenset[str],
    ) -> int:
        cost = 0
        fragment: FragmentDefinitionNode | InlineFragmentNode | None
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__"):
                    continue
                fields = getattr(parent_type, "fields", {})
                definition = fields.get(name)
                cost += multiplier
                cost += self._cost(
                    selection.selection_set,
                    get_named_type(definition.type) if definition else None,
                    multiplier * _page_size(selection, definition),
                    fragments_seen,
                )
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment_name = selection.name.value
                fragment = self.context.get_fragment(fragment_name)
                # Unknown fragments and cycles are reported by graphql-core's own rules.
                if fragment is None or fragment_name in fragments_seen:
                    continue
                seen = fragments_seen | {fragment_name}
            else:
                # The one other kind of selection: an inline fragment.
                fragment, seen = cast(InlineFragmentNode, selection), fragments_seen
            # graphql-core types it as always set; an inline fragment may name no type
            # (`... @include(if: $x) { ... }`).
            condition: NamedTypeNode | None = fragment.type_condition
            fragment_type = (
                self.context.schema.get_type(condition.name.value)
                if condition is not None
                else None
            )
            cost += self._cost(
                fragment.selection_set, fragment_type or parent_type, multiplier, seen
            )
        return cost


class IntrospectionSwitch(NoSchemaIntrospectionCustomRule):
    """Refuse ``__schema`` and ``__type`` when ``settings.GRAPHQL_INTROSPECTION`` is off (read
    per request). On by default: the schema is public on purpose (docs/api/schema.graphql)."""

    def enter_field(self, node: FieldNode, *args: Any) -> None:
        if not settings.GRAPHQL_INTROSPECTION:
            super().enter_field(node, *args)
