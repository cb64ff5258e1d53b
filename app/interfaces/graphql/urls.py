"""GraphQL at /graphql/: JSON for API clients, GraphiQL for a browser asking for HTML."""

from django.urls import path

from .views import GraphQLView

urlpatterns = [path("", GraphQLView.as_view(graphiql=True), name="graphql")]
