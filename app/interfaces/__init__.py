"""The five interfaces over one domain. Each translates its protocol to domain services/selectors.

==========================  =====================  ==========================
implementation              URL prefix             code
==========================  =====================  ==========================
Django function-based views  /mtv/fbv/              interfaces/web/fbv/
Django class-based views     /mtv/cbv/              interfaces/web/cbv/
DRF function-based views     /api/drf/fbv/          interfaces/rest/fbv/
DRF class-based views        /api/drf/cbv/          interfaces/rest/cbv/
GraphQL (graphene-django)    /graphql/              interfaces/graphql/
==========================  =====================  ==========================

What two flavours share (templates and forms; serializers and auth endpoints) sits in the
flavour's parent package.
"""
