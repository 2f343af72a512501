from django.urls import path

from peerproject.views import StreamView

urlpatterns = [path("stream/", StreamView.as_view())]
