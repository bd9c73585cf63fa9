"""The county project library (项目库): 群众参与、村级申报、乡镇审核、县级审批与公告, then
入库 and on to completion. See docs/procedures.md."""
