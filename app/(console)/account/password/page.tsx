import { ChangePasswordView } from '../../../_components/change-password-view';

export default function ChangePasswordPage() {
  return <ChangePasswordView />;
}
