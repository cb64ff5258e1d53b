from django.apps import AppConfig


class GraphqlConfig(AppConfig):
    name = "interfaces.graphql"
    label = "graphql_api"
    verbose_name = "GraphQL API (graphene-django)"
