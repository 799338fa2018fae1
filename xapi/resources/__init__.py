"""The xAPI resources the LRS serves, one module each: `statements`, `documents` (state,
activity profiles, agent profiles) and `directory` (activities, agents, about). Each handler
is wrapped by `protocol.xapi_endpoint`, which does the framing they share.
"""
