"""会议投屏: full-screen slides for the projector, with PDF and PPTX handouts."""

from labstudio.ui import meeting, state

meeting.render(state.lang())
