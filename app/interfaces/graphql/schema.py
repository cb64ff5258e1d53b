"""The GraphQL schema (settings.GRAPHENE["SCHEMA"]); docs/api/schema.graphql is its SDL."""

import graphene

from .mutations import Mutation
from .queries import Query

schema = graphene.Schema(query=Query, mutation=Mutation)
