"""A page whose issue has not landed yet: says so and links back to the overview."""

from labstudio.ui import components, state

components.coming(state.lang())
