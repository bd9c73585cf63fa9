"""The site's URLs, plus the stock admin the page benchmark compares each page with."""

from django.urls import path

from admin_site.urls import urlpatterns as site_urls
from bench.peer.admin import site as peer_site

urlpatterns = [path("peer/", peer_site.urls), *site_urls]
